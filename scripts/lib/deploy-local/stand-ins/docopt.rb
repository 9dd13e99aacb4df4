# Stand-in for the docopt gem, which Debian does not package and bin/codedeploy-local needs only to read its own
# options: "-x, --name <value>" lines of its usage text, their "[default: ...]", and ARGV in the forms
# "--name value", "--name=value" and "-x value". Anything else is refused as docopt would (Docopt::Exit).
module Docopt
  class Exit < RuntimeError; end

  OPTION = /^\s+(?:-(\w), )?--([\w-]+)(?: <[^>]+>)?\s*$/

  def self.options(doc)
    options = {}
    current = nil
    doc.each_line do |line|
      if (m = line.match(OPTION))
        current = "--#{m[2]}"
        options[current] = { short: m[1] && "-#{m[1]}", value: line.include?('<'), default: nil }
      elsif current && (d = line.match(/\[default: ([^\]]*)\]/))
        options[current][:default] = d[1].strip
      end
    end
    options
  end

  def self.docopt(doc, version: nil, argv: ARGV)
    options = self.options(doc)
    shorts = options.each_with_object({}) { |(name, o), h| h[o[:short]] = name if o[:short] }
    result = options.to_h { |name, o| [name, o[:value] ? o[:default] : false] }
    args = argv.dup
    until args.empty?
      arg = args.shift
      name, value = arg.start_with?('--') ? arg.split('=', 2) : [shorts.fetch(arg, arg), nil]
      raise Exit, "unknown option #{arg}" unless options.key?(name)
      if name == '--help' then puts doc; exit 0 end
      if name == '--version' then puts version; exit 0 end
      if options[name][:value]
        value ||= args.shift
        raise Exit, "#{name} needs a value" if value.nil?
        result[name] = value
      else
        raise Exit, "#{name} takes no value" unless value.nil?
        result[name] = true
      end
    end
    result
  end
end
